import { describe, expect, it } from 'vitest';
import { formatLeft } from '../../ca/console/assets/time-left.js';
import { isLoopbackHost } from '../../ca/console/config.js';
import { escapeHtml, html, query } from '../../ca/console/html.js';

describe('console html', () => {
  it('ok/every interpolated value is escaped, for element content and quoted attributes alike', () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;');
    const hostile = '"><script>alert(1)</script>';
    expect(html`<td title="${hostile}">${hostile}</td>`.toString())
      .toBe('<td title="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;</td>');
  });

  it('ok/markup made by html passes through once; lists are joined; null, undefined and false print nothing', () => {
    const cell = html`<b>${'<i>'}</b>`;
    expect(html`<p>${cell}${[cell, '&']}${null}${undefined}${false}${0}</p>`.toString()).toBe('<p><b>&lt;i&gt;</b><b>&lt;i&gt;</b>&amp;0</p>');
  });

  it('ok/query strings are URL-encoded and leave out empty values', () => {
    expect(query({ orchestrator: 'o', task: 'a&b=<c>', empty: '', none: undefined })).toBe('?orchestrator=o&task=a%26b%3D%3Cc%3E');
    expect(query({})).toBe('');
  });

  it('ok/loopback host names: localhost, 127.0.0.0/8, ::1; nothing else', () => {
    for (const host of ['localhost', 'LOCALHOST', '127.0.0.1', '127.255.0.9', '[::1]', '::1', '[0:0:0:0:0:0:0:1]']) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['0.0.0.0', '[::]', '10.0.0.1', '128.0.0.1', 'localhost.example', '127.0.0.1.nip.io', '[::ffff:127.0.0.1]', '']) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });

  it('ok/time left reads as the pages print it', () => {
    expect([0, -5, 999, 1000, 59_999, 60_000, 299_000, 3_600_000, 3_661_000, 90_000_000].map(formatLeft))
      .toEqual(['expired', 'expired', '0s', '1s', '59s', '1m 0s', '4m 59s', '1h 0m', '1h 1m', '1d 1h']);
  });
});

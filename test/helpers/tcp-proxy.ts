import net from 'node:net';

/** A TCP relay to `target` (host:port) that can cut the connections through it (a network partition). */
export interface Proxy {
  readonly address: string;
  target: string;
  cut(): void;
  heal(): void;
  close(): void;
}

export async function startProxy(): Promise<Proxy> {
  const open = new Set<net.Socket>();
  let up = true;
  const state = { target: '' };
  const server = net.createServer((client) => {
    if (!up) return client.destroy();
    const [host, port] = [state.target.slice(0, state.target.lastIndexOf(':')), Number(state.target.slice(state.target.lastIndexOf(':') + 1))];
    const upstream = net.connect(port, host);
    for (const s of [client, upstream]) {
      open.add(s);
      s.on('error', () => {});
      s.on('close', () => {
        open.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const cut = () => {
    up = false;
    for (const s of open) s.destroy();
  };
  return {
    address: `127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    get target() {
      return state.target;
    },
    set target(value: string) {
      state.target = value;
    },
    cut,
    heal() {
      up = true;
    },
    close() {
      cut();
      server.close();
    },
  };
}

import net from 'node:net';

/** A TCP relay to `target` (host:port) that can cut the connections through it (a network partition). */
export interface Proxy {
  readonly address: string;
  target: string;
  cut(): void;
  heal(): void;
  /** Keeps what the target sends from reaching the clients (requests still go through) until release(). */
  hold(): void;
  release(): void;
  close(): void;
}

export async function startProxy(): Promise<Proxy> {
  const open = new Set<net.Socket>();
  /** Each client and its upstream. */
  const pairs = new Set<[net.Socket, net.Socket]>();
  let up = true;
  let held = false;
  const state = { target: '' };
  const server = net.createServer((client) => {
    if (!up) return client.destroy();
    const [host, port] = [state.target.slice(0, state.target.lastIndexOf(':')), Number(state.target.slice(state.target.lastIndexOf(':') + 1))];
    const upstream = net.connect(port, host);
    const pair: [net.Socket, net.Socket] = [client, upstream];
    pairs.add(pair);
    for (const s of [client, upstream]) {
      open.add(s);
      s.on('error', () => {});
      s.on('close', () => {
        open.delete(s);
        pairs.delete(pair);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    if (!held) upstream.pipe(client);
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
    hold() {
      held = true;
      for (const [client, upstream] of pairs) upstream.unpipe(client);
    },
    release() {
      held = false;
      for (const [client, upstream] of pairs) upstream.pipe(client);
    },
    close() {
      cut();
      server.close();
    },
  };
}

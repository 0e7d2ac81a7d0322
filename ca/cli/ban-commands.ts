import { AdminClient } from '../admin-client.js';
import type { Output } from './commands.js';

/**
 * `tessera ban <orchestrator>`: the name may not attest until `tessera unban`;
 * its current identity is revoked. Prints { banned, entries } as JSON.
 */
export async function banCommand(socket: string, params: { orchestrator: string; reason?: string }, io: Output): Promise<number> {
  const admin = new AdminClient(socket);
  try {
    const { banned, entries } = await admin.banOrchestrator(params);
    io.out(JSON.stringify({
      banned, entries: entries.map((e) => ({ sequence: e.sequence, kind: e.kind, target: e.target })),
      ...(!banned && { note: 'already banned: nothing changed' }),
    }));
    return 0;
  } finally {
    admin.close();
  }
}

/** `tessera unban <orchestrator>`: lifts a ban. Prints { lifted } as JSON. */
export async function unbanCommand(socket: string, orchestrator: string, io: Output): Promise<number> {
  const admin = new AdminClient(socket);
  try {
    const lifted = await admin.unbanOrchestrator(orchestrator);
    io.out(JSON.stringify({ lifted, ...(!lifted && { note: 'it was not banned' }) }));
    return 0;
  } finally {
    admin.close();
  }
}

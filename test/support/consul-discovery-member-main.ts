import { parseArgs } from 'node:util';
import type { ServiceName } from '@taba/common';
import { ConsulDiscovery, loadDiscoveryConfig } from '@taba/common';

/**
 * One discovery member in a process of its own, so that a test can kill it without a
 * goodbye. Reads TABA_CONSUL_* like a service, then:
 *
 *   node --conditions=@taba/source --import tsx test/support/consul-discovery-member-main.ts \
 *     --service ingest --id ingest-1 --address 127.0.0.1:8310
 *
 * prints `{"registered":"<id>"}` once its first registration attempt is over, and closes
 * (deregistering) on SIGTERM.
 */

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      service: { type: 'string' },
      id: { type: 'string' },
      address: { type: 'string' },
    },
  });
  const { service, id, address } = values;
  if (!service || !id || !address) throw new Error('--service, --id and --address are required');
  const discovery = new ConsulDiscovery(loadDiscoveryConfig(process.env).consul);
  // The discovery's timers do not hold the process open; a service's server would.
  const alive = setInterval(() => {}, 60_000);
  process.once('SIGTERM', () => {
    discovery.close().then(
      () => {
        clearInterval(alive);
        process.exit(0);
      },
      () => process.exit(1),
    );
  });
  await discovery.register({ service: service as ServiceName, id, address });
  process.stdout.write(`${JSON.stringify({ registered: id })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `consul discovery member: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});

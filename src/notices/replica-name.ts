import { randomBytes } from "node:crypto";
import { hostname } from "node:os";

let name: string | undefined;

/**
 * This notifier process among those sharing one store: host, process id and a random part (a
 * restarted process, or one in another container with the same pid, is another owner). It owns
 * the outbox messages it claimed (outbox.lease_owner).
 */
export function replicaName(): string {
  name ??= `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
  return name;
}

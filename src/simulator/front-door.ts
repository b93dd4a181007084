import { createServer, type Server, type Socket } from "node:net";
import type { Service } from "../config/schema.js";
import type { FaultBoard } from "./fault-board.js";
import { armTimer } from "../scheduler/timer.js";

/**
 * The TCP listener in front of each simulated service. It turns connection-level faults into
 * real network behaviour: "refused" closes the listening socket (clients get ECONNREFUSED),
 * "hang" accepts and never answers, "slow" holds the connection back before serving it.
 * Otherwise it hands the connection to the service's own server.
 */
export class FrontDoor {
  private server: Server;
  private readonly held = new Set<Socket>();
  private port = 0;
  private listening = false;

  constructor(
    private readonly service: Service,
    private readonly faults: FaultBoard,
    private readonly handOver: (socket: Socket) => void,
    private readonly host: string,
    /** Services whose protocol greets first (FTP) are delayed here; HTTP ones delay their answers. */
    private readonly delayHere: boolean,
  ) {
    this.server = this.createListener();
  }

  private createListener(): Server {
    return createServer({ pauseOnConnect: true }, (socket) => this.accept(socket));
  }

  async listen(port: number): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, this.host, () => {
        this.server.removeListener("error", reject);
        resolve();
      });
    });
    this.listening = true;
    const address = this.server.address();
    this.port = typeof address === "object" && address ? address.port : port;
    return this.port;
  }

  get boundPort(): number {
    return this.port;
  }

  private accept(socket: Socket): void {
    socket.on("error", () => {});
    const fault = this.faults.get(this.service, socket.remoteAddress);
    if (fault?.fault === "hang") {
      this.hold(socket);
      return;
    }
    if (fault?.fault === "slow" && this.delayHere) {
      this.hold(socket);
      armTimer(
        fault.delayMs,
        () => {
          if (this.held.delete(socket) && !socket.destroyed) this.handOver(socket);
        },
        { unref: true },
      );
      return;
    }
    this.handOver(socket);
  }

  private hold(socket: Socket): void {
    this.held.add(socket);
    socket.once("close", () => this.held.delete(socket));
  }

  /** Opens or closes the listening socket to match the "refused" fault. */
  async sync(): Promise<void> {
    const refuse = this.faults.is(this.service, "refused");
    if (refuse && this.listening) {
      this.listening = false;
      await new Promise<void>((resolve) => this.server.close(() => resolve()));
      this.server = this.createListener();
    } else if (!refuse && !this.listening && this.port !== 0) {
      await this.listen(this.port);
    }
    for (const socket of this.held) {
      const fault = this.faults.get(this.service, socket.remoteAddress)?.fault;
      if (fault !== "hang" && fault !== "slow") {
        socket.destroy();
        this.held.delete(socket);
      }
    }
  }

  async close(): Promise<void> {
    for (const socket of this.held) socket.destroy();
    this.held.clear();
    if (this.listening) {
      this.listening = false;
      await new Promise<void>((resolve) => this.server.close(() => resolve()));
    }
  }
}

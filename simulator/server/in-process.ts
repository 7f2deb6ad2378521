import { encodeHandshake, FrameDecoder, SIM_MAX_VERSION, type ClientMessage, type ServerMessage } from '../protocol/index.ts';
import type { GatewayPort } from '../model/gateway-port.ts';
import type { Session } from '../model/session.ts';

export interface InProcessOptions {
  minVersion?: number;
  maxVersion?: number;
  connectOptions?: string[];
  remote?: string;
}

type Listener<T> = (value: T) => void;

/**
 * A client connection to the gateway model without sockets or bytes: messages go in and come out
 * as the same typed objects the codec would produce. Delivery is asynchronous (a microtask), as
 * with a socket, so client code cannot observe the model mid-step. This is the adapter the
 * virtual-time tests use; it shares every rule of the model with the TCP adapter.
 */
export class InProcessConnection {
  readonly session: Session;
  private closed = false;
  private readonly messageListeners = new Set<Listener<ServerMessage>>();
  private readonly closeListeners = new Set<Listener<void>>();
  private readonly inbox: ServerMessage[] = [];

  private constructor(
    private readonly gateway: GatewayPort,
    opts: InProcessOptions,
  ) {
    this.session = gateway.open(
      {
        send: (msg) => queueMicrotask(() => this.deliver(msg)),
        close: () => queueMicrotask(() => this.markClosed()),
      },
      opts.remote ?? 'in-process',
    );
    // The handshake text goes through the same parser as over TCP.
    const hello = encodeHandshake(opts.minVersion ?? 100, opts.maxVersion ?? SIM_MAX_VERSION, opts.connectOptions);
    const [frame] = new FrameDecoder({ expectApiPrefix: true }).push(hello);
    gateway.handshake(this.session, frame!.toString('latin1'));
  }

  /** Open a connection; the handshake reply arrives as a SERVER_VERSION message. */
  static open(gateway: GatewayPort, opts: InProcessOptions = {}): InProcessConnection {
    return new InProcessConnection(gateway, opts);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  send(msg: ClientMessage): void {
    if (this.closed) throw new Error('in-process connection is closed');
    this.gateway.receive(this.session, msg);
  }

  onMessage(listener: Listener<ServerMessage>): () => void {
    this.messageListeners.add(listener);
    // Messages that arrived before anyone listened are not lost.
    for (const m of this.inbox.splice(0)) listener(m);
    return () => this.messageListeners.delete(listener);
  }

  onClose(listener: Listener<void>): () => void {
    if (this.closed) queueMicrotask(() => listener());
    else this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /** Close from the client side: `clean` as a FIN, otherwise as a reset (the id stays held). */
  close(clean = true): void {
    if (this.closed) return;
    this.gateway.disconnected(this.session, clean);
    this.markClosed();
  }

  private deliver(msg: ServerMessage): void {
    if (this.closed) return;
    if (this.messageListeners.size === 0) this.inbox.push(msg);
    else for (const l of this.messageListeners) l(msg);
  }

  private markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    for (const l of this.closeListeners) l();
    this.closeListeners.clear();
  }
}

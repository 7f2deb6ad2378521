/**
 * What a transport adapter (TCP, in-process) drives: connections opened and closed, handshake
 * text, decoded messages and undecodable frames. The gateway model implements it, and so does the
 * fault stage that sits in front of the model (simulator/faults/stage.ts) with the same calls.
 */
import type { ClientMessage, UnknownClientMessage } from '../protocol/index.ts';
import type { SessionTransport } from './ports.ts';
import type { Session } from './session.ts';

export type IncomingMessage = ClientMessage | UnknownClientMessage;

export interface GatewayPort {
  /** A connection was accepted. Returns the session the adapter feeds from now on. */
  open(transport: SessionTransport, remote: string): Session;
  /** The client's `v<min>..<max> [options]` handshake text arrived. */
  handshake(session: Session, text: string): void;
  /** A decoded message arrived on a session. */
  receive(session: Session, msg: IncomingMessage): void;
  /** A frame on this session could not be decoded. */
  protocolError(session: Session, err: Error): void;
  /** The transport reports the connection gone. `clean` = the client closed it (FIN). */
  disconnected(session: Session, clean: boolean): void;
  /** Run `fn` for a session; an unexpected failure ends that session only. */
  guard(session: Session, what: string, fn: () => void): void;
}

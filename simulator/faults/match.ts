/** Does a fault's match select this session, or this message on this session? */
import type { IncomingMessage } from '../model/gateway-port.ts';
import type { Session } from '../model/session.ts';
import type { FaultMatch } from './kind.ts';

/** Session-level fields only (client id, session id, ready, apiClient). */
export function matchesSession(m: FaultMatch | undefined, s: Session): boolean {
  if (!m) return true;
  if (m.sessionId !== undefined && m.sessionId !== s.id) return false;
  if (m.clientId !== undefined && m.clientId !== s.clientId) return false;
  if (m.ready !== undefined && m.ready !== (s.state === 'ready')) return false;
  if (m.apiClient !== undefined && m.apiClient !== s.isApiClient) return false;
  return true;
}

/** Every field: the session's, and the message's type, symbol (case-insensitive) and reqId. */
export function matchesMessage(m: FaultMatch | undefined, s: Session, msg: IncomingMessage): boolean {
  if (!m) return true;
  if (m.message !== undefined && m.message !== msg.type) return false;
  if (m.sessionId !== undefined && m.sessionId !== s.id) return false;
  if (m.clientId !== undefined) {
    // START_API is how a session gets its client id: match the id it asks for.
    const clientId = msg.type === 'START_API' ? msg.clientId : s.clientId;
    if (m.clientId !== clientId) return false;
  }
  if (m.ready !== undefined && m.ready !== (s.state === 'ready')) return false;
  if (m.apiClient !== undefined && m.apiClient !== s.isApiClient) return false;
  if (m.symbol !== undefined) {
    const symbol = (msg as { symbol?: unknown }).symbol;
    if (typeof symbol !== 'string' || symbol.toUpperCase() !== m.symbol.toUpperCase()) return false;
  }
  if (m.reqId !== undefined && (msg as { reqId?: unknown }).reqId !== m.reqId) return false;
  return true;
}

export type ConnectionStatus = 'online' | 'reconnecting' | 'offline';

/** How the indicator reads the socket: never connected yet or gave up → offline; lost and retrying → reconnecting. */
export function connectionStatus(s: { connected: boolean; everConnected: boolean; retrying: boolean }): ConnectionStatus {
  if (s.connected) return 'online';
  if (s.everConnected && s.retrying) return 'reconnecting';
  return 'offline';
}

/**
 * The Redis adapter's atomic steps, as Lua scripts. Each runs alone on the server (Redis executes
 * a script without interleaving other commands), reads the server's own clock (TIME), and so
 * decides against one clock for every host.
 *
 * Every script first looks at the namespace's `born` hash. When it is missing the namespace is new
 * — or Redis lost its data (a restart without persistence) and holders of ids may still be using
 * them. It is then recreated with a new `epoch` and a recovery deadline: the server's start
 * (LASTSAVE, which is the start time while nothing was saved since) plus `recoveryMs`, one lease
 * TTL. Until then no new lease and no pacing budget is handed out, while holders re-assert their
 * leases (renew) and re-upload the pacing they charged (restore). A namespace created long after
 * the server started recovers at once. The `epoch` in every reply lets a process see that the
 * data it relied on is gone.
 *
 * Numbers: times are ms, fencing tokens µs since the epoch (about 1.8e15, exact in Lua's doubles
 * and under 2^53); they are formatted with %.0f, since Lua's default tostring loses digits.
 */

const PRELUDE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local now_us = tonumber(t[1]) * 1000000 + tonumber(t[2])
local function int(x) return string.format('%.0f', x) end
-- Pacing records expire only as garbage collection (every verdict reads times from the data), so
-- they are kept at least a minute: a window of a few ms must not vanish while a stalled caller
-- (a loaded host, a test judging at its own instants) is between two steps.
local function gc_ttl(ms) return int(math.max(tonumber(ms), 60000)) end
local function born(key, recovery)
  local b = redis.call('HMGET', key, 'epoch', 'until')
  if b[1] then return b[1], tonumber(b[2]) end
  local started = (tonumber(redis.call('LASTSAVE')) + 1) * 1000
  local epoch = int(now_us)
  local recover_until = started + recovery
  redis.call('HSET', key, 'epoch', epoch, 'until', int(recover_until))
  return epoch, recover_until
end
`;

/**
 * KEYS: born, fence, lease, taken. ARGV: ttlMs, recoveryMs, holder ("token|pid|role|hostname").
 * Reply: {1, fence, epoch, expiresAt} taken; {0, 0, epoch} held by someone or marked taken;
 * {-1, waitMs, epoch} recovering.
 */
export const ACQUIRE = `${PRELUDE}
local epoch, recover_until = born(KEYS[1], tonumber(ARGV[2]))
if now < recover_until then return {-1, recover_until - now, epoch} end
if redis.call('EXISTS', KEYS[4]) == 1 then return {0, 0, epoch} end
local fence = math.max(tonumber(redis.call('GET', KEYS[2]) or '0') + 1, now_us)
if not redis.call('SET', KEYS[3], int(fence) .. '|' .. ARGV[3], 'NX', 'PX', ARGV[1]) then return {0, 0, epoch} end
redis.call('SET', KEYS[2], int(fence))
return {1, fence, epoch, now + tonumber(ARGV[1])}
`;

/**
 * KEYS: born, fence, lease. ARGV: value ("fence|token|pid|role|hostname"), ttlMs, recoveryMs,
 * fence, expiresAt (the lease's own expiry, server ms).
 * Reply: {1, expiresAt, epoch} renewed (or re-asserted during recovery); {0, 0, epoch} lost.
 */
export const RENEW = `${PRELUDE}
local epoch, recover_until = born(KEYS[1], tonumber(ARGV[3]))
local v = redis.call('GET', KEYS[3])
if v == ARGV[1] then
  redis.call('PEXPIRE', KEYS[3], ARGV[2])
  return {1, now + tonumber(ARGV[2]), epoch}
end
if v or now >= recover_until or now >= tonumber(ARGV[5]) then return {0, 0, epoch} end
-- Missing while the namespace recovers, and not expired by its own ttl: nobody else can have taken
-- it since it was last renewed (acquisitions wait for the recovery), so it is still ours.
redis.call('SET', KEYS[3], ARGV[1], 'PX', ARGV[2])
local fence = tonumber(ARGV[4])
if fence > tonumber(redis.call('GET', KEYS[2]) or '0') then redis.call('SET', KEYS[2], int(fence)) end
return {1, now + tonumber(ARGV[2]), epoch}
`;

/** KEYS: lease. ARGV: value. Reply: 1 released, 0 not ours. */
export const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/** KEYS: lease. ARGV: value. Reply: 1 while the lease is the id's current one. */
export const VALIDATE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return 1 end
return 0
`;

/** KEYS: taken. ARGV: forMs. Keeps the later of two marks. */
export const MARK_TAKEN = `
local left = redis.call('PTTL', KEYS[1])
if left < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], '1', 'PX', ARGV[1]) end
return 1
`;

/** KEYS: born. ARGV: recoveryMs. Reply: {now, epoch}. */
export const NOW = `${PRELUDE}
local epoch = born(KEYS[1], tonumber(ARGV[1]))
return {now, epoch}
`;

const EARLIEST = `
-- Earliest instant at which the records in zset \`key\` (members "id|weight", scored by time) leave
-- room for \`budget\` more within \`window\` ms: pacing/rules.ts earliestWithinBudget, on the server.
local function earliest(key, window, budget)
  if budget < 0 then return math.huge end
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local recs = redis.call('ZREVRANGE', key, 0, -1, 'WITHSCORES')
  local used = 0
  for i = 1, #recs, 2 do
    used = used + tonumber(string.match(recs[i], '|(%d+)$'))
    if used > budget then return tonumber(recs[i + 1]) + window end
  end
  return -math.huge
end
`;

/**
 * The pacing budget's check-and-charge (collector/coordination/budget-judge.ts judgeCharge, the
 * same rules in the same order). Windows arrive with the safety margin already added.
 * KEYS: born, pause, all (paced requests), contract (same contract+exchange+whatToShow),
 * identical (when the request's identity was last sent), messages.
 * ARGV: 1 recoveryMs, 2 historical (0/1), 3 paced (0/1), 4 weight, 5 messages, 6 identicalMs,
 * 7 sameContractMs, 8 sameContractMax, 9 windowMs, 10 windowMax, 11 messageWindowMs,
 * 12 maxMessages, 13 member id, 14 optional: the time to judge at, ms (tests compare this script
 * with judgeCharge at exact times; every decision reads times from the data, so expiry is only
 * garbage collection and a test clock ahead of the server's is safe), 15 optional: sendWithinMs
 * (port.ts PacingCharge), the records are then stamped now + sendWithinMs.
 * Reply: {1, stamp, '', epoch} charged; {0, waitMs, reason, epoch} not now.
 */
export const CHARGE = `${PRELUDE}${EARLIEST}
if ARGV[14] and ARGV[14] ~= '' then now = tonumber(ARGV[14]) end
local epoch, recover_until = born(KEYS[1], tonumber(ARGV[1]))
if now < recover_until then return {0, recover_until - now, 'recovering', epoch} end
local historical, paced, weight, messages = ARGV[2] == '1', ARGV[3] == '1', tonumber(ARGV[4]), tonumber(ARGV[5])
local at, why = now, ''
local function later(t, reason) if t > at then at = t; why = reason end end
if historical then
  later(tonumber(redis.call('GET', KEYS[2]) or '-1'), 'paused')
  if paced then
    local sent = redis.call('GET', KEYS[5])
    if sent then later(tonumber(sent) + tonumber(ARGV[6]), 'identical') end
    later(earliest(KEYS[4], tonumber(ARGV[7]), tonumber(ARGV[8]) - weight), 'same-contract')
    later(earliest(KEYS[3], tonumber(ARGV[9]), tonumber(ARGV[10]) - weight), 'window')
  end
end
if messages > 0 then later(earliest(KEYS[6], tonumber(ARGV[11]), tonumber(ARGV[12]) - messages), 'messages') end
if why ~= '' then return {0, at - now, why, epoch} end
-- A charge sent after the grant is stamped at the latest instant it may go out, until MARK_SENT.
local within = tonumber(ARGV[15] or '') or 0
local stamp = now + within
if paced then
  local member = ARGV[13] .. '|' .. ARGV[4]
  redis.call('ZADD', KEYS[3], stamp, member)
  redis.call('PEXPIRE', KEYS[3], gc_ttl(tonumber(ARGV[9]) + within))
  redis.call('ZADD', KEYS[4], stamp, member)
  redis.call('PEXPIRE', KEYS[4], gc_ttl(tonumber(ARGV[7]) + within))
  redis.call('SET', KEYS[5], int(stamp), 'PX', gc_ttl(tonumber(ARGV[6]) + within))
end
if messages > 0 then
  redis.call('ZADD', KEYS[6], stamp, ARGV[13] .. '|' .. ARGV[5])
  redis.call('PEXPIRE', KEYS[6], gc_ttl(tonumber(ARGV[11]) + within))
end
return {1, stamp, '', epoch}
`;

/**
 * A charge made with a send deadline was written to the gateway: re-stamp its records with the
 * server's now, never later than they were (ZADD XX: a record already forgotten stays so).
 * KEYS: all, contract, identical, messages. ARGV: 1 paced member ('' if none), 2 messages member
 * ('' if none), 3 the stamp it was charged with, 4 optional: the time to mark at, ms (tests).
 * Reply: the stamp now kept.
 */
export const MARK_SENT = `${PRELUDE}
if ARGV[4] and ARGV[4] ~= '' then now = tonumber(ARGV[4]) end
local stamp = tonumber(ARGV[3])
if now >= stamp then return int(stamp) end
if ARGV[1] ~= '' then
  redis.call('ZADD', KEYS[1], 'XX', now, ARGV[1])
  redis.call('ZADD', KEYS[2], 'XX', now, ARGV[1])
  if redis.call('GET', KEYS[3]) == int(stamp) then redis.call('SET', KEYS[3], int(now), 'KEEPTTL') end
end
if ARGV[2] ~= '' then redis.call('ZADD', KEYS[4], 'XX', now, ARGV[2]) end
return int(now)
`;

/**
 * Put back charges this process made, after the namespace lost its data (a Redis restart without
 * persistence): what the gateway still counts must be counted again.
 * KEYS: born, all, messages, then per record its contract and identical keys.
 * ARGV: 1 recoveryMs, 2 identicalMs, 3 sameContractMs, 4 windowMs, 5 messageWindowMs, then per
 * record: at, member, weight (0: not paced), messages.
 */
export const RESTORE = `${PRELUDE}
local epoch = born(KEYS[1], tonumber(ARGV[1]))
local identical_ms, contract_ms, window_ms, msg_ms = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local n = (#ARGV - 5) / 4
for i = 0, n - 1 do
  local at, member, weight, messages = tonumber(ARGV[6 + i * 4]), ARGV[7 + i * 4], tonumber(ARGV[8 + i * 4]), tonumber(ARGV[9 + i * 4])
  local contract, identical = KEYS[4 + i * 2], KEYS[5 + i * 2]
  if weight > 0 then
    if at > now - window_ms then redis.call('ZADD', KEYS[2], at, member .. '|' .. weight); redis.call('PEXPIRE', KEYS[2], gc_ttl(window_ms)) end
    if at > now - contract_ms then redis.call('ZADD', contract, at, member .. '|' .. weight); redis.call('PEXPIRE', contract, gc_ttl(contract_ms)) end
    local left = at + identical_ms - now
    if left > 0 and tonumber(redis.call('GET', identical) or '-1') < at then redis.call('SET', identical, int(at), 'PX', gc_ttl(left)) end
  end
  if messages > 0 and at > now - msg_ms then redis.call('ZADD', KEYS[3], at, member .. '|' .. messages); redis.call('PEXPIRE', KEYS[3], gc_ttl(msg_ms)) end
end
return epoch
`;

/** KEYS: pause. ARGV: forMs. Keeps the later of two pauses; the value is the server's ms. */
export const PAUSE = `${PRELUDE}
local until_ms = now + tonumber(ARGV[1])
if tonumber(redis.call('GET', KEYS[1]) or '0') < until_ms then redis.call('SET', KEYS[1], int(until_ms), 'PX', ARGV[1]) end
return until_ms
`;

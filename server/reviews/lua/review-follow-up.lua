-- Records a bad review's follow-up once, and counts it into the day hashes of the review's scopes
-- (the review's day, not the follow-up's: a day's 整改率 is about its own reviews).
-- KEYS[1] the follow-up record   KEYS[2] the review day's index of follow-ups   KEYS[3..] day hashes
-- ARGV[1] record JSON   ARGV[2] review id   ARGV[3] score in the index (follow-up time)
-- ARGV[4] keep (ms)   ARGV[5] '1' in time   ARGV[6] '1' re-rated satisfied
-- Answers 1 when recorded, 0 when the review was followed up before (nothing written).
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[4])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
for i = 3, #KEYS do
  redis.call('HINCRBY', KEYS[i], C.reviewsFollowedUp, 1)
  if ARGV[5] == '1' then redis.call('HINCRBY', KEYS[i], C.reviewsFollowedUpInTime, 1) end
  if ARGV[6] == '1' then redis.call('HINCRBY', KEYS[i], C.reviewsReratedSatisfied, 1) end
end
return 1

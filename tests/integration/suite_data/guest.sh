ev '{"event":"begin","name":"alloc","time_ms":10,"guest_ms":2}'
ev '{"event":"end","name":"alloc","status":0,"time_ms":30,"guest_ms":17,"output":"alloc ok\n"}'
ev '{"event":"begin","name":"sched","time_ms":31,"guest_ms":18}'
ev '{"event":"end","name":"sched","status":2,"time_ms":50,"guest_ms":40,"output":"sched: bad \"tick\"\n"}'
ev '{"event":"verdict","status":1,"reason":"stubrun_exit(1)","time_ms":51,"guest_ms":41}'
echo "console of the whole run"
exit 1

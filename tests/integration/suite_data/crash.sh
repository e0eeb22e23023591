ev '{"event":"plan","tests":["first","second","third"]}'
ev '{"event":"begin","name":"first","time_ms":1}'
ev '{"event":"end","name":"first","status":0,"time_ms":5,"output":""}'
ev '{"event":"begin","name":"second","time_ms":6}'
ev '{"event":"verdict","status":1,"reason":"stubrun_panic(\"page fault\")","time_ms":9}'
echo "second: running"
echo "post-mortem: stubrun_panic(\"page fault\") pc=0xdead" >&2
exit 1

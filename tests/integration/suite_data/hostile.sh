# Markup, controls and invalid UTF-8 from a guest, in a test's name, its
# console, its post-mortem and its verdict: the HTML report keeps it text.
ev '{"event":"begin","name":"<img src=x onerror=alert(1)>","time_ms":1,"guest_ms":0}'
ev '{"event":"end","name":"<img src=x onerror=alert(1)>","status":0,"time_ms":2,"guest_ms":1,"output":""}'
ev '{"event":"verdict","status":1,"reason":"</p><script>alert(2)</script>","time_ms":9,"guest_ms":7}'
printf 'boot \033[31mred\033[0m \377\376 </pre><script>alert(3)</script>\n'
printf 'post-mortem: pc=0xbad <b>bold</b>\001\n' >&2
exit 1

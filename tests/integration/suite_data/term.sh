# Interrupts its own stubrun test (the parent of this stand-in run), as a
# CI cancel would, and waits to be stopped by it.
kill -TERM "$PPID"
exec sleep 30

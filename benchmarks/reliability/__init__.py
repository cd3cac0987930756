"""The pieces of `make reliability`, one module per group of phases: requests as a browser
makes them (`client`), the readers and curators of the SQLite phase (`visitors`), the
supervised task worker with the kill and oom phases (`worker`), the login flood (`login`),
and the list of phases with the worker phases' run and report (`phases`). Every request goes
to 127.0.0.1, every loop is bounded by a deadline."""

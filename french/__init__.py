"""French text as the whole project reads it — one folding (`text.fold`), slugs, French
alphabetical order (`collation`) — in a package that imports no app, so that reference
apps (territoires) and the catalogue share it."""

"""Real IMAP servers for the tests: in-process pymap and a Dovecot process."""

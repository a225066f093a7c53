"""IMAP commands, one file per family (as go-imap v2's ``imapclient``):
``session`` (capability, noop, logout, id, enable, namespace, login,
authenticate, starttls, compress), ``mailboxes`` (create ... append),
``select`` (select, examine, unselect, close, check, expunge), ``fetch``,
``search`` (search, sort, thread), ``store``, ``copy_move``."""

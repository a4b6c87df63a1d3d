"""One queue for several windows (排队主机): the station's queue shared over its LAN.

A town station has several window PCs, a ticket kiosk and a hall display. One PC is the queue
host: its own store's `TicketQueue` stays the only source of truth, and it also serves that
queue over HTTP (`server`, `host_app`). Every other PC is a client (`client.RemoteQueue`) with
the same methods and the same `Ticket` results, so the queue panel, the kiosk and the hall
display work unchanged. A PC with no setting is standalone, exactly as before.

Cases and print records on a client link to a local `tickets.id`, so a client keeps a mirror
row of every ticket it sees (`mirror`), keyed by the ticket's uuid, and hands out the mirror's
id. Mirrors are never journalled or uploaded and never counted in the client's ledger: the
host uploads each ticket once, the hub keys records by uuid, and a client's case refers to its
ticket by that same uuid.
"""

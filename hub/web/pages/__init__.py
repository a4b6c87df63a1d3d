"""The workbench's pages, one module each: its routes (`router`) and, if it is in the menu,
its `NAV` entry. The menu follows this order; a new page is added here."""

from hub.web.pages import (
    account,
    calendar,
    cases,
    catalogue,
    complaints,
    inbox,
    journal,
    ledger,
    login,
    slips,
    staff,
    stations,
    supervision,
    watch_list,
)

MODULES = (
    login,
    inbox,
    supervision,
    ledger,
    cases,
    complaints,
    watch_list,
    slips,
    journal,
    staff,
    stations,
    catalogue,
    calendar,
    account,
)

"""Just enough of the ELF format (64-bit, little-endian) for the Linux bundle's trimming:
the libraries a shared object needs, and the bytes of an exported data symbol."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

SHT_DYNSYM = 11
SHT_DYNAMIC = 6
DT_NEEDED = 1


@dataclass(frozen=True)
class Section:
    type: int
    addr: int
    offset: int
    size: int
    link: int
    entsize: int


def _sections(data: bytes) -> list[Section]:
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise ValueError("not a 64-bit little-endian ELF file")
    (shoff,) = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = []
    for index in range(shnum):
        _name, kind, _flags, addr, offset, size, link, _info, _align, entsize = struct.unpack_from(
            "<IIQQQQIIQQ", data, shoff + index * shentsize
        )
        sections.append(Section(kind, addr, offset, size, link, entsize))
    return sections


def _string(data: bytes, table: Section, offset: int) -> str:
    start = table.offset + offset
    return data[start : data.index(b"\0", start)].decode()


def needed(path: Path) -> list[str]:
    """The DT_NEEDED entries of a shared object or executable (sonames, in order)."""
    data = path.read_bytes()
    sections = _sections(data)
    names = []
    for section in sections:
        if section.type != SHT_DYNAMIC:
            continue
        for offset in range(section.offset, section.offset + section.size, 16):
            tag, value = struct.unpack_from("<qQ", data, offset)
            if tag == DT_NEEDED:
                names.append(_string(data, sections[section.link], value))
    return names


def exported_data(path: Path, symbol: str) -> bytes:
    """The bytes of an exported data symbol (e.g. ICU's `icudt73_dat`)."""
    data = path.read_bytes()
    sections = _sections(data)
    for table in (s for s in sections if s.type == SHT_DYNSYM):
        strings = sections[table.link]
        for offset in range(table.offset, table.offset + table.size, table.entsize):
            name, _info, _other, _shndx, value, size = struct.unpack_from("<IBBHQQ", data, offset)
            if name and _string(data, strings, name) == symbol:
                holder = next(s for s in sections if s.addr and s.addr <= value < s.addr + s.size)
                start = holder.offset + value - holder.addr
                return data[start : start + size]
    raise KeyError(f"{path.name} exports no symbol {symbol}")

"""`counterapp queue-setup`: make this PC standalone, the station's queue host, or a client."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable

from counterapp import paths
from counterapp.app import Counter
from counterapp.lan_queue import keys
from counterapp.lan_queue.client import RemoteQueue
from counterapp.lan_queue.roles import DEFAULT_PORT, QueueLink, Role, current
from counterapp.queue import QueueError

Command = Callable[[str, Callable[[argparse.Namespace], None], str], argparse.ArgumentParser]


def _typed_key() -> str:
    prompt = "排队主机上显示的排队密钥："
    return getpass.getpass(prompt) if sys.stdin.isatty() else sys.stdin.readline().strip()


def _host_key(renew: bool) -> str:
    if not renew:
        try:
            return keys.load()
        except QueueError:
            pass
    return keys.new_key()


def cmd_queue_setup(args: argparse.Namespace) -> None:
    with Counter.open(paths.store_path(args.data_dir, demo=args.demo)) as counter:
        if args.host:
            counter.configure_queue(QueueLink(Role.HOST, key=_host_key(args.new_key),
                                              port=args.port))
        elif args.client:
            counter.configure_queue(QueueLink(Role.CLIENT, host_url=args.client,
                                              key=_typed_key()))
        elif args.standalone:
            counter.configure_queue(QueueLink(Role.STANDALONE))
        link = current(counter.settings)
        print(f"排队方式：{link.role.label}")
        if link.role == Role.HOST:
            print(f"服务端口：{link.port}（本机柜员程序运行时提供排队服务）")
            print(f"排队密钥（在每台窗口、取号机、叫号屏电脑上录入）：{keys.load()}")
        elif link.role == Role.CLIENT:
            print(f"排队主机：{link.host_url}")
            assert isinstance(counter.queue, RemoteQueue)
            try:
                station = counter.queue.ping()["station"] or {}
            except QueueError as exc:
                raise QueueError(f"设置已保存，但{exc}") from exc
            print(f"已连接排队主机：{station.get('name', '（主机尚未设置站点）')}")


def register(command: Command) -> None:
    setup = command("queue-setup", cmd_queue_setup,
                    "show or set this PC's part in the station's shared queue")
    role = setup.add_mutually_exclusive_group()
    role.add_argument("--host", action="store_true",
                      help="this PC is the queue host; prints the station's queue key")
    role.add_argument("--client", metavar="URL",
                      help="use the queue host at URL; reads the key from the terminal")
    role.add_argument("--standalone", action="store_true", help="this PC's own queue (default)")
    setup.add_argument("--port", type=int, default=DEFAULT_PORT,
                       help=f"with --host: the port to serve on (default {DEFAULT_PORT})")
    setup.add_argument("--new-key", action="store_true",
                       help="with --host: make a new key (every client must enter it again)")

"""`counterapp queue-setup`: make this PC standalone, the station's queue host, or a client;
on the host, issue and revoke the clients' keys. `counterapp admin-code`: the code that closes
a kiosk or hall display on this PC."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable

from counterapp import accounts, admin_code, paths
from counterapp.app import Counter
from counterapp.lan_queue import access, tls
from counterapp.lan_queue.access import Access
from counterapp.lan_queue.client import RemoteQueue
from counterapp.lan_queue.roles import DEFAULT_PORT, QueueLink, Role, current
from counterapp.queue import QueueError

Command = Callable[[str, Callable[[argparse.Namespace], None], str], argparse.ArgumentParser]
NOT_HOST = "本机不是排队主机：先运行 counterapp queue-setup --host"


def _typed(prompt: str) -> str:
    return getpass.getpass(prompt) if sys.stdin.isatty() else sys.stdin.readline().strip()


def _new_admin_code() -> str:
    code = _typed("站点管理码（6-12位数字，关闭取号机、叫号屏时输入）：")
    if _typed("再次输入站点管理码：") != code:
        raise QueueError("两次输入的站点管理码不一致，未保存")
    return code


def _print_host(counter: Counter) -> None:
    link = current(counter.settings)
    print(f"服务端口：{link.port}（本机柜员程序运行时提供排队服务，仅加密连接）")
    print(f"证书指纹（在每台客户端电脑上录入）：{tls.shown(tls.key_pin(tls.host_key()))}")
    issued = access.grants(counter.store)
    print(
        f"已发放的排队密钥：{len(issued)} 个"
        + ("" if issued else "（counterapp queue-setup --issue window|kiosk|hall --name 电脑名称）")
    )
    for grant in issued:
        state = "有效" if grant.active else f"已吊销 {grant.revoked_at:%Y-%m-%d %H:%M}"
        print(
            f"  {grant.id}\t{grant.name}\t{grant.access.label}\t"
            f"发放 {grant.issued_at:%Y-%m-%d %H:%M}\t{state}"
        )


def _on_host(counter: Counter, args: argparse.Namespace) -> None:
    if current(counter.settings).role != Role.HOST:
        raise QueueError(NOT_HOST)
    if args.issue:
        grant, secret = access.issue(
            counter.store, Access(args.issue), args.name or "", counter.clock
        )
        print(
            f"已为“{grant.name}”（{grant.access.label}：{grant.access.duty}）发放排队密钥，"
            "只显示这一次，请在该电脑上录入："
        )
        print(f"  排队密钥：{secret}")
        print(f"  证书指纹：{tls.shown(tls.key_pin(tls.host_key()))}")
    if args.revoke is not None:
        grant = access.revoke(counter.store, args.revoke, counter.clock)
        print(f"已吊销“{grant.name}”（{grant.access.label}）的排队密钥")


def _check_client(counter: Counter, link: QueueLink) -> None:
    assert isinstance(counter.queue, RemoteQueue)
    try:
        answer = counter.queue.ping()
    except QueueError as exc:
        raise QueueError(f"设置已保存，但{exc}") from exc
    issued = Access(answer["key"]["access"])
    if issued != link.access:
        raise QueueError(
            f"设置已保存，但排队主机为本机发放的是{issued.label}密钥"
            f"（“{answer['key']['name']}”），而本机设为{link.access.label}：请核对"
        )
    station = answer["station"] or {}
    print(
        f"已连接排队主机：{station.get('name', '（主机尚未设置站点）')}，"
        f"本机密钥“{answer['key']['name']}”（{issued.label}）"
    )
    if issued == Access.WINDOW:  # the station's clerks are the host's
        counter.queue.take_station_clerks(counter.clock)
        print(
            f"已从排队主机读取本站人员名单：{len(accounts.can_log_in(counter.store))} 人"
            "（人员由排队主机统一管理）"
        )


def cmd_queue_setup(args: argparse.Namespace) -> None:
    with Counter.open(paths.store_path(args.data_dir, demo=args.demo)) as counter:
        if args.host:
            counter.configure_queue(QueueLink(Role.HOST, port=args.port))
        elif args.client:
            if not args.fingerprint:
                raise QueueError(
                    "连接排队主机须录入主机的证书指纹：--fingerprint（排队主机上"
                    "运行 counterapp queue-setup 可见）"
                )
            chosen = Access(args.role)
            counter.configure_queue(
                QueueLink(
                    Role.CLIENT,
                    host_url=args.client,
                    pin=args.fingerprint,
                    access=chosen,
                    key=_typed("排队主机为本机发放的排队密钥："),
                )
            )
            if chosen != Access.WINDOW and not admin_code.has_admin_code(counter.settings):
                admin_code.set_admin_code(counter.settings, _new_admin_code())
        elif args.standalone:
            counter.configure_queue(QueueLink(Role.STANDALONE))
        if args.issue or args.revoke is not None:
            _on_host(counter, args)
            return
        link = current(counter.settings)
        print(f"排队方式：{link.role.label}")
        if link.role == Role.HOST:
            _print_host(counter)
        elif link.role == Role.CLIENT:
            print(f"排队主机：{link.host_url}（证书指纹 {tls.shown(link.pin)}）")
            print(f"本机用途：{link.access.label}")
            _check_client(counter, link)


def cmd_admin_code(args: argparse.Namespace) -> None:
    with Counter.open(paths.store_path(args.data_dir, demo=args.demo)) as counter:
        had = admin_code.has_admin_code(counter.settings)
        admin_code.set_admin_code(counter.settings, _new_admin_code())
        print("站点管理码已" + ("更改" if had else "设置") + "：关闭本机的取号机、叫号屏时输入")


def register(command: Command) -> None:
    setup = command(
        "queue-setup",
        cmd_queue_setup,
        "show or set this PC's part in the station's shared queue; on the host, "
        "issue and revoke the other PCs' keys",
    )
    role = setup.add_mutually_exclusive_group()
    role.add_argument(
        "--host",
        action="store_true",
        help="this PC is the queue host; prints its certificate fingerprint",
    )
    role.add_argument(
        "--client",
        metavar="URL",
        help="use the queue host at URL; reads this PC's key from the terminal",
    )
    role.add_argument("--standalone", action="store_true", help="this PC's own queue (default)")
    setup.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"with --host: the port to serve on (default {DEFAULT_PORT})",
    )
    setup.add_argument(
        "--fingerprint",
        metavar="HEX",
        help="with --client: the host's certificate fingerprint, as it shows it",
    )
    setup.add_argument(
        "--role",
        choices=[a.value for a in Access],
        default=Access.WINDOW.value,
        help="with --client: what this PC is (a kiosk or hall display also "
        "asks for the admin code that closes it)",
    )
    setup.add_argument(
        "--issue",
        choices=[a.value for a in Access],
        help="on the host: issue a key for one PC (printed once)",
    )
    setup.add_argument("--name", help="with --issue: which PC it is for, e.g. 3号窗口")
    setup.add_argument(
        "--revoke",
        type=int,
        metavar="ID",
        help="on the host: revoke the key with this id (see the list)",
    )
    command(
        "admin-code",
        cmd_admin_code,
        "set the station administrator's code that closes the kiosk and hall display "
        "on this PC (read twice from the terminal)",
    )

"""A catalogue's validation problems (`counterapp.catalogue.Problem`, written in English for
the technician's command line) said in Chinese for the county's admin on the workbench.

The validator's messages are a fixed set of phrasings; each has a rule here. Quoted values
(field names, codes, what was found) stay as they are. A message no rule knows is shown as
written rather than dropped, and a test walks every phrasing so a new one is noticed.
"""

from __future__ import annotations

import re

from counterapp.catalogue_fields import Problem

_TYPES = {
    "a string": "文本",
    "an integer": "整数",
    "a boolean": "是/否（true/false）",
    "string": "文本",
    "integer": "整数",
    "boolean": "是/否",
    "float": "小数",
    "array": "数组",
    "table": "对象",
    "date": "日期",
    "datetime": "日期时间",
    "null": "空值",
}
_Q = r"('[^']*'|\"[^\"]*\")"  # a quoted value as repr() writes it
_RULES: tuple[tuple[str, str], ...] = (  # (English pattern, Chinese) applied to the message
    (r"^item #(\d+)", r"第\1个事项"),
    (r"material #(\d+)", r"第\1项材料"),
    (rf"material {_Q}(?=[,:])", r"材料\1"),
    (r"entry #(\d+)", r"第\1条"),
    (r"^time_limit(?=[,:])", "办理时限"),
    (r", time_limit(?=:)", "，办理时限"),
    (r"^rules(?=[,:])", "办件规则"),
    (r"^contact(?=[,:])", "联系方式"),
    (r"^agent_materials(?=[,:])", "代办人材料"),
    (rf"missing field {_Q}", r"缺少字段\1"),
    (rf"unknown field {_Q} \(allowed: ([^)]*)\)", r"未知字段\1（允许的字段：\2）"),
    (
        rf"field {_Q} must be (a string|an integer|a boolean), got (\w+)",
        r"字段\1应为<\2>，实为<\3>",
    ),
    (rf"field {_Q} must not be empty", r"字段\1不能为空"),
    (rf"field {_Q} must be from 1 to (\d+), got (.+)$", r"字段\1应为1至\2，实为\3"),
    (
        rf"field {_Q} has unknown value (.+) \(expected one of: ([^)]*)\)",
        r"字段\1的值\2无效（可选：\3）",
    ),
    (
        rf"field {_Q} must be a date \(YYYY-MM-DD\), got (.+)$",
        r"字段\1应为日期（YYYY-MM-DD），实为\2",
    ),
    (r"(\S+) must be a table, got (\w+)", r"\1应为对象，实为<\2>"),
    (
        r"key must be a lowercase slug like 'id-card'",
        "材料代码应为小写字母、数字和连字符，如 'id-card'",
    ),
    (
        r"a conditional material \(required = false\) needs a 'condition'",
        "非必需材料（required = false）须写明需要的情形 'condition'",
    ),
    (r"'condition' is only allowed when required = false", "只有非必需材料才能写 'condition'"),
    (
        rf"field 'aliases' must hold non-empty strings, got {_Q}",
        r"俗称 'aliases' 须为非空文本，实为\1",
    ),
    (
        rf"alias {_Q} must have no outer spaces and at most (\d+) characters",
        r"俗称\1首尾不能有空格，且不超过\2个字",
    ),
    (r"field 'aliases' lists (.+) more than once", r"俗称 'aliases' 重复列出了\1"),
    (
        r"field 'version' must be one word of at most (\d+) printable characters, got (.+)$",
        r"版本号 'version' 应为不超过\1个可打印字符的一个词，实为\2",
    ),
    (
        r"needs exactly one of 'minutes' or 'working_days'",
        "须写且只写 'minutes'（分钟）或 'working_days'（工作日）之一",
    ),
    (rf"an item of kind {_Q} needs {_Q}, not {_Q}", r"办件类型为\1的事项须用\2，不能用\3"),
    (rf"material key {_Q} appears twice", r"材料代码\1出现了两次"),
    (
        rf"material {_Q} differs from the same key in (.+?): (.+)$",
        r"材料\1与\2中同一代码的材料不一致：\3",
    ),
    (r"'items' must be an array of tables, got (\w+)", r"'items' 应为事项数组，实为<\1>"),
    (rf"duplicate item code {_Q} \(first defined in (.+)\)", r"事项编码\1重复（首次出现于\2）"),
    (
        rf"code {_Q} must be 'YB' \+ 2-digit main number \+ 2-digit sub number, both from 01",
        r"事项编码\1应为 'YB' 加两位主项号和两位子项号（均从01起）",
    ),
    (rf"main number (\d+) belongs to {_Q} \((\w+)\), not {_Q}", r"主项号\1属于\2（\3），不是\4"),
    (
        r"field 'steps' must be a non-empty array of non-empty strings",
        "办理流程 'steps' 须为非空的步骤列表",
    ),
    (rf"unknown level code {_Q} \(expected one of: ([^)]*)\)", r"未知的站点层级\1（可选：\2）"),
    (rf"level {_Q} is missing", r"缺少站点层级\1"),
    (
        r"mode 'assist' must not be written: every item a level does not list is offered "
        "there as assist",
        "不要写 'assist'：未列出的事项在该层级自动为帮办代办",
    ),
    (rf"unknown item code {_Q}", r"未知的事项编码\1"),
    (r" \(it may be in (.+), which could not be read\)", r"（可能在无法读取的\1中）"),
    (rf"(name|form|obtain) {_Q} vs {_Q}", r"\1 \2 与 \3"),
    (rf"item {_Q} is listed twice", r"事项\1列出了两次"),
    (
        rf"version {_Q} is already on the hub with different content",
        r"版本\1已在县中心发布过且内容不同：修改目录后须使用新的版本号",
    ),
    (r"no catalogue document in the answer", "没有目录内容"),
    (r"the catalogue does not match its hash", "目录内容与其校验值不符"),
    (r", ", "，"),
    (r": ", "："),
)
_COMPILED = tuple((re.compile(pattern), chinese) for pattern, chinese in _RULES)
_TYPE_TAG = re.compile(r"<([^<>]+)>")


def problem_text(problem: Problem) -> str:
    """One problem in Chinese, prefixed with the item or level it concerns."""
    text = problem.message
    for pattern, chinese in _COMPILED:
        text = pattern.sub(chinese, text)
    text = _TYPE_TAG.sub(lambda m: _TYPES.get(m[1], m[1]), text)
    return f"[{problem.item}] {text}" if problem.item else text

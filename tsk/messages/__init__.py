"""Every sentence tsk says to a person — errors, warnings, confirmations — once, as an English
template with named placeholders and its Chinese template (README, Language). The catalogue is
this package's modules, one per layer (values, life, ledger, exchange, commands), all read as
one: `from tsk import messages as msg; msg.NO_COMPLAINT`.

The library raises and warns with a message and its values (`Said`), never with text made
in one language; the command line says it in the language of the run (`chosen`): Chinese
when `TSK_LANG`, else the locale (`LC_ALL`, `LC_MESSAGES`, `LANG`), begins with `zh`, English
otherwise. `str()` of a `Said`, and so of every `TskError`, is the English text. A value may
itself be a `Message` or a `Said` (a clock's name, a reason given by another error): it is
said in the same language. Adding a message is one entry in the catalogue; tests/test_messages.py
holds every raise and every entry to this (same placeholders in both languages, each entry used).

`Error:` and `Warning:` stay as they are in both languages: scripts look for them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

LANGS = ("en", "zh")
_language = "en"  # of this run: set by the command line (tsk.cli.TskGroup.main), English for a library caller


def chosen(environ: Mapping[str, str]) -> str:
    """The language a run speaks: `TSK_LANG` (zh or en), else the first of LC_ALL, LC_MESSAGES
    and LANG that is set (as the C library reads them); a value beginning `zh` is Chinese."""
    for name in ("TSK_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "").strip()
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def use(lang: str) -> str:
    """Speak `lang` from now on; returns the language spoken before."""
    global _language
    before, _language = _language, lang
    return before


def language() -> str:
    return _language


class Message:
    """One sentence (or word) in both languages, with the same named placeholders in each."""

    __slots__ = ("en", "zh")

    def __init__(self, en: str, zh: str) -> None:
        self.en, self.zh = en, zh

    def __call__(self, **values: Any) -> Said:
        return Said(self, values)

    def text(self, lang: str = "en") -> str:
        template = self.zh if lang == "zh" else self.en
        return template.format_map({}) if "{" in template else template

    def __str__(self) -> str:
        return self.text()

    def __repr__(self) -> str:
        return f"Message({self.en!r}, {self.zh!r})"


class Said:
    """A message with its values, said in either language; `str()` is English."""

    __slots__ = ("message", "values")

    def __init__(self, message: Message, values: dict[str, Any]) -> None:
        self.message, self.values = message, values

    def text(self, lang: str = "en") -> str:
        template = self.message.zh if lang == "zh" else self.message.en
        return template.format_map({key: say(value, lang) for key, value in self.values.items()})

    def shown(self) -> str:
        """In the language of the run."""
        return self.text(_language)

    def __str__(self) -> str:
        return self.text()

    def __repr__(self) -> str:
        return f"Said({self.text()!r})"


def say(value: Any, lang: str = "en") -> Any:
    """A value as a message shows it in `lang`: a message said in it, anything else as it is."""
    return value.text(lang) if isinstance(value, _WORDS) else value


def shown(value: Any) -> str:
    """A message, or a plain text, in the language of the run."""
    return str(say(value, _language))


def term(en: str, zh: str) -> Message:
    """A word of a table (a vocabulary's key and label): a message with no placeholders."""
    return Message(en.replace("{", "{{").replace("}", "}}"), zh.replace("{", "{{").replace("}", "}}"))


class Listed:
    """Several values said as one: joined with ", " in English, "、" in Chinese."""

    __slots__ = ("items",)

    def __init__(self, items: Any) -> None:
        self.items = list(items)

    def text(self, lang: str = "en") -> str:
        return ("、" if lang == "zh" else ", ").join(str(say(item, lang)) for item in self.items)

    def __str__(self) -> str:
        return self.text()


_WORDS = (Said, Message, Listed)

# The operating system's reasons a file cannot be read or written, as its C library says them
# in a Chinese locale (Python gives strerror in English whatever the locale).
_OS_ZH = {"EACCES": "权限不够", "EPERM": "不允许的操作", "ENOENT": "没有那个文件或目录", "ENOTDIR": "不是目录",
          "EISDIR": "是一个目录", "EEXIST": "文件已存在", "ENOSPC": "设备上没有空间", "EDQUOT": "超出磁盘配额",
          "EROFS": "只读文件系统", "EIO": "输入/输出错误", "ENAMETOOLONG": "文件名过长", "ELOOP": "符号连接的层数过多",
          "EMFILE": "打开的文件过多", "EBUSY": "设备或资源忙"}


def os_reason(exc: OSError) -> Message | str:
    """Why the operating system refused (`exc.strerror`), in either language."""
    import errno

    name = errno.errorcode.get(exc.errno or 0, "")
    text = exc.strerror or str(exc)
    return term(text, _OS_ZH[name]) if name in _OS_ZH else text


# The catalogue: each layer's module (values, life, ledger, exchange, commands) holds its
# messages, all named msg.NAME wherever they are used. A layer is loaded when one of its messages
# is first named (`index.NAMES` says which): a command loads the few it speaks from, not all
# ~440 messages (`tsk show`: values and commands only).
def __getattr__(name: str) -> Message:
    from importlib import import_module

    from tsk.messages.index import NAMES

    key = f" {name} "
    for layer, names in NAMES.items():
        if key in names:
            messages = vars(import_module(f"{__name__}.{layer}"))
            globals().update((each, messages[each]) for each in names.split())
            return messages[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

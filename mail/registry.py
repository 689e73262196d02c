"""How each kind of message is written, registered by the app that sends it.

A renderer turns a message's context into its content (``Content``), once for every
recipient who shares that context. What is the recipient's own (their manage and
unsubscribe links) is written as stand-ins, which ``own`` maps to the recipient's values,
cheaply, per message.
"""

from dataclasses import dataclass, field, replace


@dataclass
class Content:
    subject: str
    text: str
    html: str
    headers: dict = field(default_factory=dict)

    def personalised(self, values):
        """The content with each stand-in replaced by the recipient's own value."""

        def own(part):
            for stand_in, value in values.items():
                part = part.replace(stand_in, value)
            return part

        return replace(
            self,
            subject=own(self.subject),
            text=own(self.text),
            html=own(self.html),
            headers={name: own(value) for name, value in self.headers.items()},
        )


@dataclass(frozen=True)
class Kind:
    name: str
    render: object  # callable(context: dict) -> Content
    own: object = None  # callable(message) -> {stand-in: the recipient's value}


_kinds = {}


def register(kind):
    _kinds[kind.name] = kind


def kind(name):
    try:
        return _kinds[name]
    except KeyError:
        raise LookupError(f"No renderer is registered for '{name}' messages.") from None

"""A script as a Mermaid ``stateDiagram-v2``, for writers who like to see the shape."""

from __future__ import annotations

from .script import Script, Target


def _dest(target: Target) -> str:
    if target.go:
        return target.go
    if target.start:
        return f"start_{target.start}"
    if target.visit:
        return f"visit_{target.visit}"
    return "[*]"


def mermaid(script: Script) -> str:
    lines = ["stateDiagram-v2", f"    [*] --> {script.start}"]
    for step in script.steps.values():
        for button in step.buttons:
            if not button.target.pause:
                lines.append(f"    {step.name} --> {_dest(button.target)}: {button.label.replace(':', ' ')}")
        for route in step.then:
            label = f": if {route.condition.replace(':', ' ')}" if route.condition else ""
            lines.append(f"    {step.name} --> {_dest(route)}{label}")
        if step.end:
            lines.append(f"    {step.name} --> [*]")
    return "\n".join(lines)

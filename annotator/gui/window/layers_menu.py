"""View ▸ Layers: show or hide each analyst's layer (and the reviewed layer).

Rebuilt each time it opens, so analysts who arrived with a merge are there; each entry shows
the layer's colour (used when colouring by analyst) and its number of spans in the document.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMenu

from annotator.gui.reading.label_bar import swatch

if TYPE_CHECKING:
    from annotator.gui.window.hosts import LayersHost


def layers_menu(window: LayersHost) -> QMenu:
    menu = QMenu("&Layers", window.window())
    menu.setObjectName("layersMenu")
    menu.aboutToShow.connect(lambda: _fill(menu, window))
    return menu


def _fill(menu: QMenu, window: LayersHost) -> None:
    menu.clear()
    workspace = window.workspace
    counts: dict[str, int] = {}
    for annotation in workspace.state.all():
        counts[annotation.analyst_id] = counts.get(annotation.analyst_id, 0) + 1
    colours = workspace.layer_colours()
    show_all = menu.addAction("Show &all layers")
    show_all.setEnabled(bool(workspace.hidden_layers))
    show_all.triggered.connect(
        lambda: workspace.show_layers(frozenset(), colour_by_layer=workspace.colour_by_layer)
    )
    menu.addSeparator()
    for layer in window.store.layers():
        name = layer.name.replace("&", "&&")  # a literal &, not a keyboard accelerator
        action = menu.addAction(swatch(colours[layer.id]), f"{name} ({counts.get(layer.id, 0)})")
        action.setObjectName(f"layer:{layer.id}")
        action.setCheckable(True)
        action.setChecked(layer.id not in workspace.hidden_layers)
        action.toggled.connect(lambda shown, lid=layer.id: set_layer_shown(window, lid, shown))


def set_layer_shown(window: LayersHost, layer_id: str, shown: bool) -> None:
    workspace = window.workspace
    hidden = set(workspace.hidden_layers)
    if shown:
        hidden.discard(layer_id)
    else:
        hidden.add(layer_id)
    workspace.show_layers(frozenset(hidden), colour_by_layer=workspace.colour_by_layer)

"""Batch of studies: many study folders (one per EPCI) loaded and built in one run, in parallel
on one machine (`peuplement lot`).

Each study stays what it is alone: its own folder, warehouse, key, register and exports; a batch
only runs the ordinary commands (`peuplement charger`, `peuplement construire`) for each of them in child
processes, so a study built in a batch gives the same release as when built alone.

Owns `execution` (finding the studies, running them, the per-study results). May import:
`peuplement.erreurs`. Never the domain packages themselves: it drives them through the CLI.
"""

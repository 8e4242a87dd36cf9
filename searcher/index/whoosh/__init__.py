"""Whoosh 2.7.4's on-disk format, written directly: compact posting blocks
(:mod:`.compact`, patches that keep the files readable by unmodified Whoosh) and a bulk
segment writer (:mod:`.bulk_writer`) whose files are byte for byte Whoosh's own; opening an
index at an older generation (:mod:`.generations`)."""

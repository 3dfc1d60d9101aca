"""Developer tools that run the real app on demo data: the benchmark (`python -m bench`) and the
README screenshots (`python -m bench.screenshots`). Not part of the installed package."""

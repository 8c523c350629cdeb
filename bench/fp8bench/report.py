"""The tables: one per suite, from its rows, columns, legend, baselines
and notes (the JSON file is built from the suites' records alone)."""


def size(nbytes):
    return f"{nbytes >> 20} MiB" if nbytes >= 1 << 20 else f"{nbytes >> 10} KiB"


def rate_str(v):
    return f"{v / 1e9:.3f} G" if v >= 1e8 else f"{v / 1e6:.2f} M"


def print_table(suite):
    print(f"\n{suite['title']}")
    for line in suite["legend"]:
        print(f"  {line}")
    cols = suite["columns"]
    widths = [max([len(title)] + [len(r.get(key, "")) for r in suite["rows"]])
              for key, title, _ in cols]
    fmt = lambda cells: "  ".join(f"{c:{a}{w}}" for c, (_, _, a), w in
                                  zip(cells, cols, widths)).rstrip()
    print()
    print(fmt([title for _, title, _ in cols]))
    print("-" * len(fmt([title for _, title, _ in cols])))
    for r in suite["rows"]:
        print(fmt([r.get(key, "") for key, _, _ in cols]))
    print("\nbaselines (measured in this run):")
    w = max(len(b[0]) for b in suite["baselines"])
    for label, value, elements, how in suite["baselines"]:
        if suite.get("baseline_fmt") == "gflops":
            shape = f"{elements}, " if elements else ""
            print(f"  {label:<{w}}  {value / 1e9:>7.1f} GFLOP/s  ({shape}{how})")
        else:
            print(f"  {label:<{w}}  {rate_str(value):>9}  ({elements} elements, {how})")
    if suite["notes"]:
        print("\nnotes:")
        for note in suite["notes"]:
            print(f"  {note}")

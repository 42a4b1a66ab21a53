"""Generated trees of disposition groups, for demo data, tests and benchmarks."""


def generated(groups=1000, dispositions=10000, fan_out=10):
    """import_tree data: ``groups`` groups breadth-first, ``fan_out`` sub-groups each, and
    ``dispositions`` codes shared out evenly (the first groups get one more when it does not divide)."""
    nodes = [{"name": "Dispositions", "contains": "dispositions", "groups": [], "dispositions": []}]
    for number in range(1, groups):
        parent = nodes[(number - 1) // fan_out]
        node = {"name": f"Category {number}", "groups": [], "dispositions": []}
        parent["groups"].append(node)
        nodes.append(node)
    for number in range(dispositions):
        nodes[number % groups]["dispositions"].append({"name": f"Code{number}", "displayName": f"Code {number}"})
    return nodes[0]


def count(tree):
    """(groups, dispositions) of a wire group read with subresources=** (or of import_tree data)."""
    groups, codes = 1, len(tree.get("dispositions", []))
    for child in tree.get("groups", []):
        child_groups, child_codes = count(child)
        groups, codes = groups + child_groups, codes + child_codes
    return groups, codes

"""The longest functions of a tree, counted in lines of code (no docstrings, comments or blanks).

    python tools/function_lengths.py hamopt [HOW_MANY]
"""
import ast, sys, pathlib, io, tokenize
rows = []
for path in pathlib.Path(sys.argv[1]).rglob("*.py"):
    src = path.read_text()
    tree = ast.parse(src)
    # lines that hold code: not blank, not comment-only, not docstring
    doc_lines = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Module)):
            if node.body and isinstance(node.body[0], ast.Expr) and isinstance(getattr(node.body[0], 'value', None), ast.Constant) and isinstance(node.body[0].value.value, str):
                doc_lines.update(range(node.body[0].lineno, node.body[0].end_lineno + 1))
    lines = src.splitlines()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            n = sum(1 for i in range(node.lineno, node.end_lineno + 1)
                    if i not in doc_lines and lines[i-1].strip() and not lines[i-1].strip().startswith('#'))
            rows.append((n, f"{path}:{node.lineno} {node.name}"))
for n, name in sorted(rows, reverse=True)[:int(sys.argv[2]) if len(sys.argv) > 2 else 8]:
    print(n, name)

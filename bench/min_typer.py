"""The reference start-up: a minimal Typer app with one option (issue 7).

    python bench/min_typer.py --name 张三
"""

import typer

app = typer.Typer(add_completion=False)


@app.command()
def main(name: str = typer.Option("world", help="Who to greet.")) -> None:
    print(f"hello {name}")


if __name__ == "__main__":
    app()

"""``python -m affiches``: same as the ``affiches`` console script."""

if __name__ == "__main__":
    from affiches.cli.main import main

    main()

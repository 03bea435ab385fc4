from leadprep._cli import run

run()

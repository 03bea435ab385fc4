from leadprep._cli import main

main()

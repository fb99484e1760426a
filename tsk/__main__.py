from tsk.cli import main

main()

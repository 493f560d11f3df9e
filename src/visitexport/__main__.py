from visitexport.cli import run

run()

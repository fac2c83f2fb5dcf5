// sync/server/main.cpp — entry point of comptoir-server; see cli.h for the commands.
#include "sync/server/cli.h"

int main(int argc, char** argv) { return comptoir::RunCli(argc, argv); }

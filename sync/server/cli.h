// sync/server/cli.h — the comptoir-server command line (one binary, subcommands).
//
//   comptoir-server serve [--host H] [--port P] [--database PATH] [--web-root DIR] [--rate-limit N]
//   comptoir-server admin add <username> [--role admin|staff]     (password on stdin)
//   comptoir-server device add <name> [--json]                    (prints an enrollment code)
//   comptoir-server device list [--json]
//   comptoir-server device revoke <device_id>
//   comptoir-server event add --title T --date YYYY-MM-DD [--sector S] [--place P] [--id ID]
//   Every command takes --database; defaults from COMPTOIR_DATABASE, COMPTOIR_HOST,
//   COMPTOIR_PORT, COMPTOIR_WEB_ROOT. Exit status: 0 ok, 1 failure, 2 usage error.
#pragma once

namespace comptoir {

int RunCli(int argc, char** argv);

}  // namespace comptoir

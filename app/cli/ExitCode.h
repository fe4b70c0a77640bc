// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

namespace fastmap {

// fastmap-cli's exit codes; documented in its --help and in docs/cli.md.
enum ExitCode {
    ExitSuccess = 0,
    ExitElementsFailed = 1, // the job ran, but some elements failed (their messages are in the error column)
    ExitUsage = 2,          // bad command line
    ExitInput = 3,          // the dataset, function, parameters or mapping cannot be used
    ExitOutput = 4,         // the result file cannot be written
    ExitWorkers = 5,        // every worker died under the remote policy
    ExitInterrupted = 130,  // cancelled by Ctrl-C or SIGTERM; partial results kept as OUTPUT.partial
};

} // namespace fastmap

// The hook program of the agent tests: ipmgmtd's hook path without the daemon.
#include "dhcp/hook.h"

int main(int argc, char** argv) { return ipadm::dhcp::hook_main(argc, argv); }

// The client's User-Agent, shared by the WebSocket and the event-stream connections. Internal.
#pragma once

#include <string>

namespace goldenpath::detail {

// "goldenpath/MAJOR.MINOR.PATCH": the User-Agent of the upgrade, POST and CONNECT requests.
const std::string& client_user_agent();

}  // namespace goldenpath::detail

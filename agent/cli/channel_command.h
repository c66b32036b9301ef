#pragma once

#include <string_view>
#include <vector>

namespace pyrolog {

extern const std::string_view kChannelHelp;

// `pyrolog channel inspect|verify|repair DIR`: the operator's view of a disk channel directory
// (`data_dir/channels/<sink>`). Exit status: 0 when clean (inspect: when readable), 1 when verify finds
// damage, 2 when the directory cannot be read as a channel (repair: when it cannot be repaired).
int run_channel_command(const std::vector<std::string_view>& args);

}  // namespace pyrolog

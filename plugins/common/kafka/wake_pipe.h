#pragma once

#include "base/unique_fd.h"

namespace pyrolog::kafka {

// A non-blocking pipe that librdkafka writes a byte to when its queue gets something
// (rd_kafka_queue_io_event_enable), so that an Asio descriptor waiting on `read_fd` wakes the owner.
class WakePipe {
 public:
  WakePipe();  // throws std::runtime_error when the pipe cannot be made

  int read_fd() const { return read_.get(); }
  int write_fd() const { return write_.get(); }
  // Reads whatever is in the pipe, so that the next write wakes the reader again.
  void drain() const;

 private:
  UniqueFd read_;
  UniqueFd write_;
};

}  // namespace pyrolog::kafka

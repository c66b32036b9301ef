#include "in_flight.h"

#include <stdexcept>

#include <fmt/format.h>

namespace pyrolog {

InFlightBatch& InFlightWindow::add(std::unique_ptr<InFlightBatch> batch) {
  batch->pending = batch->messages.size();
  bytes_ += batch->bytes;
  pending_ += batch->pending;
  const auto id = batch->id;
  auto [it, inserted] = batches_.emplace(id, std::move(batch));
  if (!inserted) throw std::logic_error(fmt::format("batch {} is already in flight", id));
  return *it->second;
}

std::unique_ptr<InFlightBatch> InFlightWindow::finish(OutgoingMessage& m) {
  if (m.state == MessageState::done) {
    throw std::logic_error(fmt::format("message {} of batch {} finished twice", m.index, m.batch->id));
  }
  m.state = MessageState::done;
  InFlightBatch& batch = *m.batch;
  --batch.pending;
  --pending_;
  if (batch.pending > 0) return nullptr;
  auto it = batches_.find(batch.id);
  if (it == batches_.end()) throw std::logic_error(fmt::format("batch {} is not in flight", batch.id));
  auto done = std::move(it->second);
  batches_.erase(it);
  bytes_ -= done->bytes;
  return done;
}

std::vector<std::unique_ptr<InFlightBatch>> InFlightWindow::take_all() {
  std::vector<std::unique_ptr<InFlightBatch>> out;
  for (auto& [id, batch] : batches_)
    out.push_back(std::move(batch));
  batches_.clear();
  bytes_ = 0;
  pending_ = 0;
  return out;
}

}  // namespace pyrolog

#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

namespace pyrolog::testing {

// librdkafka's in-process mock cluster: real Kafka protocol on 127.0.0.1, with errors and outages on demand.
// Enough for the sink's unit tests; the real broker is for the end-to-end tests.
class MockCluster {
 public:
  explicit MockCluster(int brokers = 1) {
    char error[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "log_level", "0", error, sizeof error);
    handle_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);
    if (handle_ == nullptr) throw std::runtime_error(error);
    cluster_ = rd_kafka_mock_cluster_new(handle_, brokers);
    if (cluster_ == nullptr) throw std::runtime_error("cannot create a mock cluster");
  }
  ~MockCluster() {
    rd_kafka_mock_cluster_destroy(cluster_);
    rd_kafka_destroy(handle_);
  }
  MockCluster(const MockCluster&) = delete;
  MockCluster& operator=(const MockCluster&) = delete;

  std::string bootstrap() const { return rd_kafka_mock_cluster_bootstraps(cluster_); }
  void create_topic(const std::string& name, int partitions = 1) {
    rd_kafka_mock_topic_create(cluster_, name.c_str(), partitions, 1);
  }
  // The next Produce requests (ApiKey 0) fail with these errors, one each.
  void fail_produce(const std::vector<rd_kafka_resp_err_t>& errors) {
    rd_kafka_mock_push_request_errors_array(cluster_, 0, errors.size(), errors.data());
  }
  void broker_down(std::int32_t id = 1) { rd_kafka_mock_broker_set_down(cluster_, id); }
  void broker_up(std::int32_t id = 1) { rd_kafka_mock_broker_set_up(cluster_, id); }

  // Produces `values` to partition `partition` of `topic` and waits for their delivery.
  void produce(const std::string& topic, const std::vector<std::string>& values, std::int32_t partition = 0,
               const std::string& key = "") {
    char error[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap().c_str(), error, sizeof error);
    rd_kafka_conf_set(conf, "log_level", "0", error, sizeof error);
    rd_kafka_t* producer = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);
    if (producer == nullptr) throw std::runtime_error(error);
    rd_kafka_topic_t* rkt = rd_kafka_topic_new(producer, topic.c_str(), nullptr);
    for (const auto& v : values) {
      while (rd_kafka_produce(rkt, partition, RD_KAFKA_MSG_F_COPY, const_cast<char*>(v.data()), v.size(),
                              key.empty() ? nullptr : key.data(), key.size(), nullptr) != 0) {
        rd_kafka_poll(producer, 10);
      }
    }
    rd_kafka_flush(producer, 10000);
    rd_kafka_topic_destroy(rkt);
    rd_kafka_destroy(producer);
  }

  // The offsets `group` committed for partitions 0..partitions-1 of `topic` (-1001: none).
  std::vector<std::int64_t> committed(const std::string& group, const std::string& topic, int partitions) {
    char error[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap().c_str(), error, sizeof error);
    rd_kafka_conf_set(conf, "group.id", group.c_str(), error, sizeof error);
    rd_kafka_conf_set(conf, "log_level", "0", error, sizeof error);
    rd_kafka_t* consumer = rd_kafka_new(RD_KAFKA_CONSUMER, conf, error, sizeof error);
    if (consumer == nullptr) throw std::runtime_error(error);
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(partitions);
    for (int p = 0; p < partitions; ++p)
      rd_kafka_topic_partition_list_add(list, topic.c_str(), p);
    std::vector<std::int64_t> out(static_cast<std::size_t>(partitions), -1001);
    if (rd_kafka_committed(consumer, list, 10000) == RD_KAFKA_RESP_ERR_NO_ERROR) {
      for (int i = 0; i < list->cnt; ++i)
        out[static_cast<std::size_t>(list->elems[i].partition)] = list->elems[i].offset;
    }
    rd_kafka_topic_partition_list_destroy(list);
    rd_kafka_destroy(consumer);
    return out;
  }

  struct Message {
    std::int32_t partition = 0;
    std::string value;
    std::map<std::string, std::string> headers;
  };
  // Everything in `topic` from the beginning, waiting until `expected` arrived or `timeout` passed.
  std::vector<Message> read(const std::string& topic, int partitions, std::size_t expected,
                            std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    char error[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap().c_str(), error, sizeof error);
    rd_kafka_conf_set(conf, "group.id", "mock-reader", error, sizeof error);
    rd_kafka_conf_set(conf, "log_level", "0", error, sizeof error);
    rd_kafka_t* consumer = rd_kafka_new(RD_KAFKA_CONSUMER, conf, error, sizeof error);
    if (consumer == nullptr) throw std::runtime_error(error);
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(partitions);
    for (int p = 0; p < partitions; ++p) {
      rd_kafka_topic_partition_list_add(list, topic.c_str(), p)->offset = RD_KAFKA_OFFSET_BEGINNING;
    }
    rd_kafka_assign(consumer, list);
    rd_kafka_topic_partition_list_destroy(list);
    std::vector<Message> out;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (out.size() < expected && std::chrono::steady_clock::now() < deadline) {
      rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer, 100);
      if (m == nullptr) continue;
      if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        Message msg;
        msg.partition = m->partition;
        msg.value.assign(static_cast<const char*>(m->payload), m->len);
        rd_kafka_headers_t* headers = nullptr;
        if (rd_kafka_message_headers(m, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
          const char* name = nullptr;
          const void* value = nullptr;
          std::size_t size = 0;
          for (std::size_t i = 0; rd_kafka_header_get_all(headers, i, &name, &value, &size) == 0; ++i) {
            msg.headers[name] = std::string(static_cast<const char*>(value), size);
          }
        }
        out.push_back(std::move(msg));
      }
      rd_kafka_message_destroy(m);
    }
    rd_kafka_consumer_close(consumer);
    rd_kafka_destroy(consumer);
    return out;
  }

 private:
  rd_kafka_t* handle_ = nullptr;
  rd_kafka_mock_cluster_t* cluster_ = nullptr;
};

}  // namespace pyrolog::testing

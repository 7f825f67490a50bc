@kafka-cluster
Feature: A Kafka cluster of three brokers loses one without losing a change
  Users who outgrow one machine run Kafka as a cluster. With three brokers every topic of the pipeline keeps three
  copies, and a write is acknowledged only once two of them have it (min.insync.replicas 2): any one broker can go,
  with the partitions it leads, and nothing acknowledged goes with it. These scenarios need the cluster
  (CDC_KAFKA_BROKERS=3: `npm run test:specs:cluster`); a run on one broker leaves them out.

  Scenario: Every topic of the pipeline is kept on three brokers, and a write needs two of them
    Then every topic of the pipeline has 3 replicas in sync, and a write needs 2 of them

  Scenario: The broker leading most of the change topic killed in the middle of a stream of changes
    Given 24 people are registered and have received their welcome
    When they move house one after another
    And the broker leading most of the change topic is killed once a third of them have moved, and stays down
    Then every move userdata accepted is emailed exactly once, and no move it refused
    And userdata refused no move
    And the change topic is led by the brokers left

@faults
Feature: Nothing lost, nothing sent twice, whatever part of the pipeline fails
  Debezium, Kafka and push-email deliver at least once; push-email's delivery log, keyed by where the database
  logged each change, makes that exactly one email per change. Each scenario has people move house one after
  another, and hits one part of the pipeline when a third of them have moved. A move userdata accepted is emailed
  once; a move it refused, because its database was away, is not emailed at all.

  Background:
    Given 24 people are registered and have received their welcome

  Scenario: Kafka Connect killed in the middle of a stream of changes resumes from its stored offsets
    When they move house one after another
    And Kafka Connect is killed and started again once a third of them have moved
    Then every move userdata accepted is emailed exactly once, and no move it refused
    And userdata refused no move
    And Debezium resumed from where it had got to, without a new snapshot

  Scenario: The Kafka broker killed and started again in the middle of a stream of changes
    When they move house one after another
    And the Kafka broker is killed and started again once a third of them have moved
    Then every move userdata accepted is emailed exactly once, and no move it refused
    And userdata refused no move

  Scenario: The database killed and started again in the middle of a stream of changes
    When they move house one after another
    And the database is killed and started again once a third of them have moved
    Then while the database was away userdata refused moves as temporarily unavailable, and said it was not ready
    And every move userdata accepted is emailed exactly once, and no move it refused
    And Debezium resumed from where it had got to, without a new snapshot

  Scenario: The database frozen for longer than every client's timeouts in the middle of a stream of changes
    When they move house one after another
    And the database is frozen for longer than every client's timeouts once a third of them have moved
    Then while the database was away userdata refused moves as temporarily unavailable, and said it was not ready
    And every move userdata accepted is emailed exactly once, and no move it refused

  Scenario Outline: <component> frozen for longer than every client's timeouts in the middle of a stream of changes
    When they move house one after another
    And <component> is frozen for longer than every client's timeouts once a third of them have moved
    Then every move userdata accepted is emailed exactly once, and no move it refused
    And userdata refused no move

    Examples:
      | component        |
      | the Kafka broker |
      | Kafka Connect    |
      | push-email       |

  Scenario: Debezium's binlog connection opened again in the middle of a transaction, then its task restarted: nothing after it skipped
    Debezium's binlog reader, held in the middle of a transaction by its full queue, is taken for lost by its keep-alive
    and reads the transaction again on a new connection. A task restarted from the offsets of that second reading
    skipped the changes after it, in Debezium up to 3.6.1 (see the README's Faults: the harness patches it).

    Given Debezium's connector hands its changes over a few at a time
    When a maintenance job touches all of their records in one transaction while the connector is paused for longer than Debezium's binlog keep-alive
    And the connector's task is restarted once Debezium has read that transaction again
    And they then move house one after another
    Then every move userdata accepted is emailed exactly once, and no move it refused
    And userdata refused no move

  Scenario: A column added to the users table while changes stream is ignored, and the connector carries on
    When they move house one after another
    And a migration adds a nullable column to the users table once a third of them have moved
    Then every move userdata accepted is emailed exactly once, and no move it refused
    And the connector is still running

  Scenario: The connector's task fails when Debezium's password changes; put back, a restart emails what happened meanwhile
    When Debezium's database password is changed under the connector
    Then the connector's task fails, saying the database refused Debezium's login
    When all of them move house at the same time
    And Debezium's password is put back and the connector restarted through Connect's REST API
    Then in the end each of them has received exactly one email about their move, with a Message-ID of its own

  Scenario: Two push-email instances share the partitions; one killed in the middle of a burst, the other takes over
    Given a second push-email instance shares the change feed
    When all of them move house at the same time
    And push-email crashes as soon as the first emails about the moves have arrived
    Then in the end each of them has received exactly one email about their move, with a Message-ID of its own
    And the first push-email instance was still down at the end

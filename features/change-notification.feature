Feature: A person is told by email when their data changes
  A change made through userdata reaches the database's binlog, Debezium reads it into Kafka, and push-email writes
  to the person whose data changed, naming what changed.

  Scenario: A registered user who updates their address receives an email about it
    Given Ana is registered, living at "Rua das Flores, 10"
    When Ana moves to "Avenida Paulista, 1000"
    Then Ana receives an email saying their details were updated
    And that email shows the address changed from "Rua das Flores, 10" to "Avenida Paulista, 1000"
    And in the end Ana has received exactly these emails:
      | Welcome, Ana              |
      | Your details were updated |

  Scenario: A change of name is reported with the new name
    Given Bruno is registered
    When Bruno changes their name to "Bruno Alves"
    Then Bruno receives an email saying their details were updated
    And that email shows the name changed from "Bruno" to "Bruno Alves"
    And in the end Bruno has received exactly these emails:
      | Welcome, Bruno            |
      | Your details were updated |

  Scenario: A change of email address is confirmed at the new address, and the old address is told
    Given Carla is registered
    When Carla changes their email address
    Then Carla receives an email saying their details were updated
    And that email shows the email address changed from the old one to the new one
    And Carla's old address is told that the email address was changed to the new one
    And in the end Carla's new address has received exactly these emails:
      | Your details were updated |
    And in the end Carla's old address has received exactly these emails:
      | Welcome, Carla                 |
      | Your email address was changed |

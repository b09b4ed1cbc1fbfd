package io.swivel.bench.user;

import java.io.Serializable;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;

/**
 * The user of the dubbo-benchmark workload: the same twelve fields (identity, contact, a list of
 * permissions, two timestamps), as a mutable bean like the original.
 */
public class User implements Serializable {

    private static final long serialVersionUID = 1L;

    private long id;
    private String name;
    private int sex;
    private LocalDate birthday;
    private String email;
    private String mobile;
    private String address;
    private String icon;
    private List<Integer> permissions;
    private int status;
    private LocalDateTime createTime;
    private LocalDateTime updateTime;

    /** Creates an empty user. */
    public User() {
    }

    /** @return the id */
    public long getId() {
        return id;
    }

    /** @param id the id */
    public void setId(long id) {
        this.id = id;
    }

    /** @return the name */
    public String getName() {
        return name;
    }

    /** @param name the name */
    public void setName(String name) {
        this.name = name;
    }

    /** @return the sex code */
    public int getSex() {
        return sex;
    }

    /** @param sex the sex code */
    public void setSex(int sex) {
        this.sex = sex;
    }

    /** @return the birthday */
    public LocalDate getBirthday() {
        return birthday;
    }

    /** @param birthday the birthday */
    public void setBirthday(LocalDate birthday) {
        this.birthday = birthday;
    }

    /** @return the e-mail address */
    public String getEmail() {
        return email;
    }

    /** @param email the e-mail address */
    public void setEmail(String email) {
        this.email = email;
    }

    /** @return the mobile number */
    public String getMobile() {
        return mobile;
    }

    /** @param mobile the mobile number */
    public void setMobile(String mobile) {
        this.mobile = mobile;
    }

    /** @return the postal address */
    public String getAddress() {
        return address;
    }

    /** @param address the postal address */
    public void setAddress(String address) {
        this.address = address;
    }

    /** @return the icon URL */
    public String getIcon() {
        return icon;
    }

    /** @param icon the icon URL */
    public void setIcon(String icon) {
        this.icon = icon;
    }

    /** @return the permission codes */
    public List<Integer> getPermissions() {
        return permissions;
    }

    /** @param permissions the permission codes */
    public void setPermissions(List<Integer> permissions) {
        this.permissions = permissions;
    }

    /** @return the status code */
    public int getStatus() {
        return status;
    }

    /** @param status the status code */
    public void setStatus(int status) {
        this.status = status;
    }

    /** @return when the user was created */
    public LocalDateTime getCreateTime() {
        return createTime;
    }

    /** @param createTime when the user was created */
    public void setCreateTime(LocalDateTime createTime) {
        this.createTime = createTime;
    }

    /** @return when the user was last updated */
    public LocalDateTime getUpdateTime() {
        return updateTime;
    }

    /** @param updateTime when the user was last updated */
    public void setUpdateTime(LocalDateTime updateTime) {
        this.updateTime = updateTime;
    }

    @Override
    public String toString() {
        return "User[id=" + id + ", name=" + name + ", email=" + email + "]";
    }
}
